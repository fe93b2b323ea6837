#!/usr/bin/env bash
# A second PostgreSQL cluster that accepts TLS connections only, with a
# certificate authority and a server certificate for "localhost" made here,
# so the tests can show `sslmode=require` and `sslmode=verify-full` working
# and a plain connection refused. Prints the CA's path on its last line.
# Usage: .ci/pg_tls.sh <port> <dir>
set -euo pipefail
port="$1"
dir="$2"
mkdir -p "$dir"
version=$(ls /etc/postgresql | sort -V | tail -1)
name="samkjop_tls"

# A fresh cluster each run: nothing left over from an earlier one.
if pg_lsclusters -h | awk '{print $2}' | grep -qx "$name"; then
  pg_dropcluster --stop "$version" "$name"
fi
pg_createcluster --port "$port" "$version" "$name" >/dev/null
conf="/etc/postgresql/$version/$name"
data=$(pg_lsclusters -h | awk -v n="$name" '$2 == n {print $6}')

# A CA and a server certificate signed by it, valid for localhost.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Samkjop CI CA" \
  -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
  -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost\n' > "$dir/san.ext"
openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
  -CAcreateserial -days 2 -extfile "$dir/san.ext" -out "$dir/server.crt" 2>/dev/null
install -o postgres -g postgres -m 0600 "$dir/server.key" "$data/server.key"
install -o postgres -g postgres -m 0644 "$dir/server.crt" "$data/server.crt"

cat > "$conf/conf.d/tls.conf" <<CONF
ssl = on
ssl_cert_file = '$data/server.crt'
ssl_key_file = '$data/server.key'
listen_addresses = '127.0.0.1'
CONF
# TLS or nothing over the network; the local socket stays for administration.
cat > "$conf/pg_hba.conf" <<HBA
local   all all                  peer
hostssl all all 127.0.0.1/32     trust
hostnossl all all 0.0.0.0/0      reject
HBA

pg_ctlcluster --skip-systemctl-redirect "$version" "$name" start
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 1
done
pg_isready -q -h 127.0.0.1 -p "$port"
echo "$dir/ca.crt"
