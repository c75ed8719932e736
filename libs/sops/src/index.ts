export {
  decryptSopsDocument,
  detectSopsFormat,
  encryptSopsDocument,
  formatForPath,
  isSopsEncrypted,
  SOPS_VERSION,
  type DecryptOptions,
  type EncryptOptions,
  type SopsFormat,
} from './sops.js';
export { SopsDecryptionError, SopsEncryptionError, type SopsErrorReason } from './errors.js';
export { keysFromSecretData, type SecretKeys, type SopsKeys } from './keys.js';
