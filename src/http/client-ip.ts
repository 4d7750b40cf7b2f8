import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

type Trust = (address: string, hop: number) => boolean;

/** The same trust rule Express applies for `trust proxy`, usable on raw upgrade requests. */
export function compileTrust(setting: boolean | number | string): Trust {
  if (setting === true) return () => true;
  if (setting === false) return () => false;
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return proxyaddr.compile(setting.split(',').map((part) => part.trim()));
}

/** The client's address: X-Forwarded-For is believed only from trusted proxies. */
export function clientIp(req: IncomingMessage, trust: Trust): string {
  return proxyaddr(req, trust);
}

/** TRUST_PROXY as Express understands it: a hop count, true, or addresses and names. */
export function trustProxySetting(value: string | undefined): boolean | number | string {
  if (value === undefined) return false;
  if (/^\d+$/.test(value)) return Number(value);
  if (value === 'true') return true;
  return value;
}
