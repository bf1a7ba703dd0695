#!/usr/bin/env bash
# The README's test command, .ci/run and docker/Dockerfile's build stage must run the same line.
# Usage: check_ci_command.sh SOURCE_DIR
set -euo pipefail
cd "$1"
cmd=$(grep -E '^\./\.ci/install-deps ' .ci/run)
[ -n "$cmd" ] || { echo ".ci/run has no ./.ci/install-deps ... line"; exit 1; }
status=0
grep -qxF "$cmd" README.md || { echo "README.md does not show .ci/run's command: $cmd"; status=1; }
grep -qxF "RUN $cmd" docker/Dockerfile ||
  { echo "docker/Dockerfile does not RUN .ci/run's command: $cmd"; status=1; }
[ $status -eq 0 ] && echo "README.md, .ci/run and docker/Dockerfile run: $cmd"
exit $status
