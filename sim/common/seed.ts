/**
 * Deterministic pseudo-random data for the simulators' seed data. The same seed always gives the same
 * agents, campaigns, leads and calls, so tests and demo mode can name records they expect.
 */

/** mulberry32: a small, fast, deterministic 32-bit PRNG. Returns floats in [0, 1). */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Helpers over one PRNG. */
export interface Seeder {
  /** Integer in [min, max], inclusive. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** Picks by weight: `weighted([['Ready', 5], ['Break', 1]])`. */
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T;
  bool(pTrue?: number): boolean;
  /** 32 lowercase hex characters (the campaign API's id format). */
  hex32(): string;
  /** A UUID-shaped string (version 4 layout). */
  uuid(): string;
  firstName(): string;
  lastName(): string;
  /** An E.164 US-style number, e.g. '+14155550123'. */
  phone(): string;
}

const FIRST = [
  'Aarav',
  'Priya',
  'Rohan',
  'Ananya',
  'Vikram',
  'Meera',
  'Arjun',
  'Kavya',
  'Ishaan',
  'Diya',
  'Liam',
  'Olivia',
  'Noah',
  'Emma',
  'Mateo',
  'Sofia',
  'Lucas',
  'Amelia',
  'Ethan',
  'Mia',
  'Chen',
  'Mei',
  'Kenji',
  'Yuki',
  'Omar',
  'Layla',
  'Tariq',
  'Amara',
  'Kofi',
  'Zanele',
] as const;
const LAST = [
  'Sharma',
  'Patel',
  'Iyer',
  'Reddy',
  'Nair',
  'Gupta',
  'Khan',
  'Singh',
  'Mehta',
  'Das',
  'Smith',
  'Garcia',
  'Johnson',
  'Martinez',
  'Brown',
  'Lopez',
  'Wilson',
  'Clark',
  'Lewis',
  'Young',
  'Wang',
  'Tanaka',
  'Kim',
  'Haddad',
  'Mensah',
  'Okafor',
  'Ndlovu',
  'Rossi',
  'Novak',
  'Silva',
] as const;

export function createSeeder(seed: number): Seeder {
  const rnd = createRandom(seed);
  const int = (min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));
  const hex = (n: number) => Array.from({ length: n }, () => int(0, 15).toString(16)).join('');
  return {
    int,
    pick: (items) => items[int(0, items.length - 1)]!,
    weighted: (items) => {
      const total = items.reduce((s, [, w]) => s + w, 0);
      let r = rnd() * total;
      for (const [item, w] of items) {
        if ((r -= w) < 0) return item;
      }
      return items[items.length - 1]![0];
    },
    bool: (pTrue = 0.5) => rnd() < pTrue,
    // Four 32-bit draws, not one per character: seeds need thousands of these ids.
    hex32: () => Array.from({ length: 4 }, () => int(0, 0xffffffff).toString(16).padStart(8, '0')).join(''),
    uuid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-${['8', '9', 'a', 'b'][int(0, 3)]}${hex(3)}-${hex(12)}`,
    firstName: () => FIRST[int(0, FIRST.length - 1)]!,
    lastName: () => LAST[int(0, LAST.length - 1)]!,
    phone: () => `+1${int(201, 989)}555${String(int(0, 9999)).padStart(4, '0')}`,
  };
}

/** A fixed reference time for seed data (2026-11-02T09:00:00Z), so timestamps are deterministic too. */
export const SEED_EPOCH_MS = Date.UTC(2026, 10, 2, 9, 0, 0);
