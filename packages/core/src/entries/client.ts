// @impasto/core/client: the Impasto service from any runtime with fetch, and its wire types.
export { ImpastoClient, type ImpastoClientOptions, type JobFile, type JobRequest, type JobResult, type JobOptionsByKind, type ClientFetch } from '../service/client';
export { FINISHED, type ErrorBody, type JobError, type JobEvent, type JobKind, type JobOutput, type JobProgress, type JobStatus, type JobTimings, type JobUrls, type JobView, type StyleView } from '../service/protocol';
export { JOB_KINDS, JOB_OPTION_SCHEMAS, VIDEO_FORMATS, resolveJobOptions, type VideoFormat } from '../service/job-options';
