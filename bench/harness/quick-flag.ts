/** True when the command line asks for the smaller `--quick` run. */
export function isQuick(argv: readonly string[] = process.argv): boolean {
  return argv.slice(2).includes('--quick');
}
