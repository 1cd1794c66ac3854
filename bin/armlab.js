#!/usr/bin/env node
// The `armlab` command: runs the CLI straight from this checkout's TypeScript sources. tsx (a dev
// dependency) registers its loader in this process, so there is no build step and no child process
// between the terminal and the emulator (raw mode, signals and exit codes stay simple).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/armlab.ts');
