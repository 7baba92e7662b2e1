#!/bin/sh
# Reads the secrets that may come as files (Docker and Compose secrets mount
# them under /run/secrets), then runs antoan with the given subcommand.
# VAR_FILE names a file whose content becomes VAR; setting both is an error,
# so that it is always clear which one is used.
set -eu

for var in DATABASE_URL ANTOAN_TOKEN_SECRET; do
    file_var="${var}_FILE"
    eval "file=\${$file_var:-}"
    eval "value=\${$var:-}"
    if [ -n "$file" ]; then
        if [ -n "$value" ]; then
            echo "antoan-entrypoint: set $var or $file_var, not both" >&2
            exit 2
        fi
        if [ ! -r "$file" ]; then
            echo "antoan-entrypoint: $file_var names $file, which cannot be read" >&2
            exit 2
        fi
        # The secret is read without its trailing newline.
        value="$(cat "$file")"
        export "$var=$value"
        unset "$file_var"
    fi
done

exec /usr/local/bin/antoan "$@"
