import { randomInt } from "node:crypto";

/** No 0/O, 1/l/I: the password is read off a screen and typed in once. */
const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/** A random password of `length` characters (default 20, about 116 bits), in groups of 5 joined by "-". */
export const generatePassword = ({ length = 20 }: { length?: number } = {}): string => {
  const chars = Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
  return chars.match(/.{1,5}/g)!.join("-");
};
