/** Caps on open sockets per user and per client address, so no one can exhaust the server's sockets. */
export class ConnectionCaps {
  private readonly byUser = new Map<number, number>();
  private readonly byIp = new Map<string, number>();

  constructor(
    private readonly perUser: number,
    private readonly perIp: number,
  ) {}

  /** Counts a new socket in; false (and nothing counted) when either cap is reached. */
  tryAcquire(userId: number, ip: string): boolean {
    if ((this.byUser.get(userId) ?? 0) >= this.perUser || (this.byIp.get(ip) ?? 0) >= this.perIp)
      return false;
    bump(this.byUser, userId, 1);
    bump(this.byIp, ip, 1);
    return true;
  }

  release(userId: number, ip: string): void {
    bump(this.byUser, userId, -1);
    bump(this.byIp, ip, -1);
  }
}

function bump<K>(map: Map<K, number>, key: K, by: number): void {
  const next = (map.get(key) ?? 0) + by;
  if (next > 0) map.set(key, next);
  else map.delete(key);
}
