# Sourced by bench/realtime.sh before any n8n command (from ../shared/peers/n8n/n8n-env.sh).
# n8n 2.8.4 (newest release whose engines field accepts Node 20), headless, loopback only,
# no telemetry / version checks / templates / banners, SQLite (default DB type).
# N8N_INSTALL: the folder n8n was installed into with npm; N8N_USER_FOLDER: a fresh folder per run.
export PATH="$N8N_INSTALL/node_modules/.bin:$PATH"
export N8N_LISTEN_ADDRESS=127.0.0.1
export N8N_HOST=127.0.0.1
export N8N_PORT=${N8N_PORT:-5678}
export N8N_PROTOCOL=http
export N8N_SECURE_COOKIE=false
export N8N_DIAGNOSTICS_ENABLED=false
export N8N_DIAGNOSTICS_CONFIG_FRONTEND=
export N8N_DIAGNOSTICS_CONFIG_BACKEND=
export N8N_VERSION_NOTIFICATIONS_ENABLED=false
export N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED=false
export N8N_PERSONALIZATION_ENABLED=false
export N8N_HIRING_BANNER_ENABLED=false
export N8N_TEMPLATES_ENABLED=false
export N8N_DYNAMIC_BANNERS_ENABLED=false
export N8N_LICENSE_AUTO_RENEW_ENABLED=false
export N8N_AI_ENABLED=false
export N8N_COMMUNITY_PACKAGES_ENABLED=false
export N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS=true
export EXTERNAL_FRONTEND_HOOKS_URLS=
export DB_TYPE=sqlite
export GENERIC_TIMEZONE=UTC
# Execution data saving: n8n's defaults, every execution saved (the row issue 11 compares with).
export EXECUTIONS_MODE=regular
export EXECUTIONS_DATA_SAVE_ON_SUCCESS=${EXECUTIONS_DATA_SAVE_ON_SUCCESS:-all}
export EXECUTIONS_DATA_SAVE_ON_ERROR=${EXECUTIONS_DATA_SAVE_ON_ERROR:-all}
export EXECUTIONS_DATA_SAVE_ON_PROGRESS=false
export EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS=true
export EXECUTIONS_DATA_PRUNE=true
export EXECUTIONS_DATA_MAX_AGE=336
export EXECUTIONS_DATA_PRUNE_MAX_COUNT=10000
