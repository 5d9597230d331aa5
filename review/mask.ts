// What looks secret is decided once, in inventory/secrets.ts (the loader refuses it); review/ masks with the same rules.
export { isSensitivePath, isSensitiveValue, MASK, maskText } from '../inventory/secrets.ts';
