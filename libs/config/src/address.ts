// Listen addresses in Go's 'host:port' form, as Flux's --metrics-addr and --health-addr take them.

export interface ListenAddress {
  host: string;
  port: number;
}

/** Parses 'host:port' or ':port' (Go style; an empty host means all interfaces). Throws when malformed. */
export function parseAddress(text: string): ListenAddress {
  const match = /^(.*):([0-9]{1,5})$/.exec(text.trim());
  if (!match) throw new Error(`not a listen address: '${text}' (e.g. 127.0.0.1:8080 or :8080)`);
  const port = Number(match[2]);
  if (port > 65_535) throw new Error(`port out of range in '${text}'`);
  const host = (match[1] ?? '').replace(/^\[(.*)\]$/, '$1');
  return { host: host === '' ? '0.0.0.0' : host, port };
}
