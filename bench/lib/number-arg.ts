/** The number after `--name` on the command line of a bench script (`--cap 16`), else `fallback`. */
export const numberArg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
};
