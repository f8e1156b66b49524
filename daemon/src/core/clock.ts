/** Time as the daemon sees it; tests pass a controllable one so expiry needs no waiting. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
