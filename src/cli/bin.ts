// The built CLI's entry point (dist/cli.js): runs this process's command line.

import { runProcess } from './main';

void runProcess();
