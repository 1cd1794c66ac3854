#!/usr/bin/env bash
# Records expected.txt from QEMU (see guests/common/record-expected.sh). Run after npm run guests.
exec bash "$(dirname "$0")/../common/record-expected.sh" fp-selfcheck "fp self-check done"
