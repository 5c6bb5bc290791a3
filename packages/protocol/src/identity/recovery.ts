/**
 * Recovery phrase: the 32-byte account seed as 24 BIP39 English words (@scure/bip39). Losing both
 * the devices and the phrase loses the identity; the UI says so.
 */
import { entropyToMnemonic, mnemonicToEntropy, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { InvalidFieldError } from '../errors.ts';

export const exportRecoveryPhrase = (accountSeed: Uint8Array): string => {
  if (accountSeed.length !== 32) throw new InvalidFieldError('accountSeed', 'expected 32 bytes');
  return entropyToMnemonic(accountSeed, wordlist);
};

export const importRecoveryPhrase = (phrase: string): Uint8Array => {
  const normalized = phrase.trim().toLowerCase().split(/\s+/).join(' ');
  if (normalized.split(' ').length !== 24 || !validateMnemonic(normalized, wordlist)) {
    throw new InvalidFieldError('recoveryPhrase', 'not a valid 24-word recovery phrase');
  }
  return mnemonicToEntropy(normalized, wordlist);
};
