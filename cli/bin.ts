import { main } from './main';
import { exitAfterOutput } from './receiver';

const argv = process.argv.slice(2);
// The receiver's process ends when the receiver stops, even with cut-off work still pending.
const receiving = argv[0] === 'receive';

main(argv, process.env).then(
  (code) => {
    if (receiving) exitAfterOutput(code);
    else process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`Unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
