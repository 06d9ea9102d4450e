export * from '@impasto/core';
export { nodeBackend } from './backend';
export { ModelStore, type ModelStoreOptions } from './store/model-store';
export { downloadVerified, type DownloadProgress } from './store/download';
export * from './image-io';
export * from './fast-style';
export { transfer, type TransferOptions } from './nst/transfer';
export { loadFeatureNet, NET_NAMES, type NetName } from './nst/feature-nets';
