# Shared by scripts/test and .ci/run: find JDKs, start the local databases, install test tools.

# find_jdk N: the home of a JDK of major version N ($LEAKWATCH_JDKN, or one under /usr/lib/jvm), or nothing.
find_jdk() {
  local major=$1 var="LEAKWATCH_JDK$1" home
  if [ -n "${!var:-}" ]; then echo "${!var}"; return; fi
  for home in /usr/lib/jvm/*; do
    [ -x "$home/bin/javac" ] || continue
    if "$home/bin/java" -version 2>&1 | head -1 | grep -Eq "version \"$major([.\"])"; then
      echo "$home"; return
    fi
  done
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi
}

# The integration tests use the local servers unless LEAKWATCH_IT_JDBC_URL / LEAKWATCH_IT_MARIADB_URL name others.
ensure_postgres() {
  [ -n "${LEAKWATCH_IT_JDBC_URL:-}" ] && return
  if command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then return; fi
  if [ -d /etc/postgresql ]; then
    echo "starting the local PostgreSQL"
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && return; sleep 1; done
  fi
  echo "PostgreSQL is not reachable on 127.0.0.1:5432: start it or set LEAKWATCH_IT_JDBC_URL (the tests will fail)" >&2
}

ensure_mariadb() {
  [ -n "${LEAKWATCH_IT_MARIADB_URL:-}" ] && return
  if command -v mariadb-admin >/dev/null && mariadb-admin -h 127.0.0.1 -u root ping >/dev/null 2>&1; then return; fi
  if [ -x /usr/sbin/mariadbd ]; then
    echo "starting the local MariaDB"
    as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || true
    for _ in $(seq 1 30); do mariadb-admin -h 127.0.0.1 -u root ping >/dev/null 2>&1 && return; sleep 1; done
  fi
  echo "MariaDB is not reachable on 127.0.0.1:3306: start it or set LEAKWATCH_IT_MARIADB_URL (the tests will fail)" >&2
}

# Headless Chromium renders the HTML report in its test.
ensure_chromium() {
  command -v chromium >/dev/null && return
  if command -v apt-get >/dev/null && as_root true 2>/dev/null; then
    echo "installing Debian's chromium for the HTML report test"
    as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
  command -v chromium >/dev/null || echo "chromium is not installed: the HTML report test will fail" >&2
}

# The Redis family's tests and the demo's Redis scenarios use the Redis on 127.0.0.1:6379; without the server
# installed, Debian's redis-server is installed first (as for chromium).
redis_up() {
  if command -v redis-cli >/dev/null; then
    [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ]
  else
    (exec 3<>/dev/tcp/127.0.0.1/6379 && printf 'PING\r\n' >&3 && read -r -t 2 reply <&3 && [[ $reply == +PONG* ]]) 2>/dev/null
  fi
}

ensure_redis() {
  redis_up && return
  if ! command -v redis-server >/dev/null && command -v apt-get >/dev/null && as_root true 2>/dev/null; then
    echo "installing Debian's redis-server for the Redis tests"
    as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null || true
  fi
  if command -v redis-server >/dev/null; then
    echo "starting the local Redis"
    if [ -d /var/lib/redis ] && [ -d /var/log/redis ]; then
      as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
        --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
    else
      as_root redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
    fi
    for _ in $(seq 1 30); do redis_up && return; sleep 1; done
  fi
  echo "Redis is not reachable on 127.0.0.1:6379: start it (the Redis tests will fail)" >&2
}

# The amqp family's tests use the local RabbitMQ on 127.0.0.1:5672 (guest/guest).
ensure_rabbitmq() {
  if (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; then return; fi
  if command -v rabbitmq-server >/dev/null; then
    echo "starting the local RabbitMQ"
    as_root rabbitmq-server -detached || true
    for _ in $(seq 1 60); do (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null && return; sleep 1; done
  fi
  echo "RabbitMQ is not reachable on 127.0.0.1:5672: start it (rabbitmq-server -detached); the amqp tests will fail" >&2
}
