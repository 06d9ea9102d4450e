export * from '@impasto/core';
export { nodeBackend } from './backend';
export { ModelStore, type ModelStoreOptions } from './store/model-store';
export { downloadVerified, type DownloadProgress } from './store/download';
export * from './image-io';
export * from './fast-style';
