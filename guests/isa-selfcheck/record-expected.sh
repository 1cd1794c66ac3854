#!/usr/bin/env bash
# Records expected.txt from QEMU (see guests/common/record-expected.sh). Run after npm run guests.
exec bash "$(dirname "$0")/../common/record-expected.sh" isa-selfcheck "ISA self-check done"
