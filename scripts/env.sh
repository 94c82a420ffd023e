# Defaults of the embedded profile, sourced by the run, train and shell scripts.
# Every value can be overridden from the environment.
export RASA_TELEMETRY_ENABLED=false
export RASA_PORT="${RASA_PORT:-5005}"
export ACTION_PORT="${ACTION_PORT:-5055}"
export WEB_PORT="${WEB_PORT:-8000}"
export ACTION_SERVER_URL="${ACTION_SERVER_URL:-http://localhost:${ACTION_PORT}/webhook}"
export RASA_URL="${RASA_URL:-http://localhost:${RASA_PORT}}"
export TRACKER_SQLITE_PATH="${TRACKER_SQLITE_PATH:-var/conversations.db}"
# Origins allowed to call the Rasa server from a browser (the chat widget's pages).
export WIDGET_ORIGINS="${WIDGET_ORIGINS:-http://localhost:${WEB_PORT} http://127.0.0.1:${WEB_PORT}}"
export ENDPOINTS_FILE="${ENDPOINTS_FILE:-endpoints.yml}"
# Calendar links (bot/ics.py): the action server signs them, the web app opens them,
# so both need the same key. Unset, one random key per run (links die on restart);
# set a fixed one, shared by every replica, in production.
export PUBLIC_WEB_URL="${PUBLIC_WEB_URL:-http://localhost:${WEB_PORT}}"
export CALENDAR_SECRET="${CALENDAR_SECRET:-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
# TensorFlow and SQLAlchemy chatter that tells residents' operators nothing.
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
export SQLALCHEMY_SILENCE_UBER_WARNING=1
mkdir -p var
export PYTHONWARNINGS="${PYTHONWARNINGS:-ignore::DeprecationWarning,ignore::PendingDeprecationWarning}"
# LINE is on when its secret is in the environment (credentials.line.yml reads it).
if [[ -n "${LINE_CHANNEL_SECRET:-}" ]]; then
    export LINE_API_BASE_URL="${LINE_API_BASE_URL:-https://api.line.me}"
    export CREDENTIALS_FILE="${CREDENTIALS_FILE:-credentials.line.yml}"
else
    export CREDENTIALS_FILE="${CREDENTIALS_FILE:-credentials.yml}"
fi
