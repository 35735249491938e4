import type { BuildingReach, GridReach } from '../../src/readership/coverage'

/**
 * Streets in which we know who was reached how, for testing the coverage
 * bounds against the truth. Independent of src/readership/coverage.ts: it
 * shares only the figures' type.
 *
 * The generative model of one grid (all draws from a seeded generator):
 * - 1 to 6 buildings of 1 to 16 households (one in twenty has none), and 2
 *   to 11 households in no listed building (bungalows, shops: a grid is
 *   rarely all in its listed buildings).
 * - How the ways pick their households, one of "independent" (each
 *   household on its own), "nested" (every way picks by one shared random
 *   order of households, heads' households first: as much overlap as there
 *   can be) or "disjoint" (each way picks households no earlier way reached
 *   where it can: as little overlap as there can be), a third each.
 * - The grid's propensities, "0 (x%)" meaning none in x% of the grids:
 *   reading per household 0 (30%) else uniform to 0.4; relaying per head
 *   0 (30%), 1 (20%) else uniform; a group holding a household 0 (30%),
 *   1 (25%) else uniform; the head telling a household at the door 0 (30%)
 *   else uniform to 0.5; the leader's door 0 (50%) else uniform to 0.3, and
 *   phone 0 (60%) else uniform to 0.2.
 * - Each building with households has a head (90%) who lives in it (90%,
 *   else outside the grid); a head relays, puts up a poster (30%) and tells
 *   households at the door, counting their own household among them half the
 *   time. A relay reaches the group: the head and each household of the
 *   building in it.
 * - Readers: each reading household has 1 to the grid's most readers per
 *   household (1 in half the grids, else 2 or 3); and 0 (60%) or 1 to 4
 *   readers from outside the grid. A resident reader comes through their
 *   building's share link half the time, else by another channel; an outside
 *   reader through a random building's link or another channel.
 * In this model 2–4% of grids are fully reached and 2–3% not
 * reached at all (seeds 1, 2, 3 and the test's), which is what makes trivial
 * bounds fail the exactness test.
 *
 * The truth: a household is reached when one of its members reads, it is
 * in a relayed group of its own building, it is among the doors told (by
 * its head or the leader) or phoned, or it is the head's own household of a
 * building the head lives in and confirmed anything for.
 */
export type World = {
  households: number
  buildings: {
    start: number
    households: number
    head: number | null
    headLivesHere: boolean
    relayed: boolean
    posted: boolean
    group: Set<number>
    doors: Set<number>
  }[]
  /** home: a household of the grid, or null (outside); via: the building whose share link they came through. */
  readers: { home: number | null; via: number | null }[]
  leaderDoor: Set<number>
  leaderPhone: Set<number>
}

export function rng(seed: number) {
  let s = seed >>> 0
  // mulberry32: small, fast, well spread.
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let x = s
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

type Mode = 'independent' | 'nested' | 'disjoint'

export function generateWorld(random: () => number): World {
  const int = (n: number) => Math.floor(random() * n)
  /** 0 with probability `none`, `all` with probability `full`, else uniform in [0, most]. */
  const propensity = (none: number, full: number, most: number, all = 1) => {
    const r = random()
    return r < none ? 0 : r < none + full ? all : random() * most
  }
  const mode: Mode = (['independent', 'nested', 'disjoint'] as const)[int(3)]
  const pRead = propensity(0.3, 0, 0.4)
  const maxReaders = random() < 0.5 ? 1 : 2 + int(2)
  const pRelay = propensity(0.3, 0.2, 1)
  const pGroup = propensity(0.3, 0.25, 1)
  const pDoor = propensity(0.3, 0, 0.5)
  const pLeaderDoor = propensity(0.5, 0, 0.3)
  const pLeaderPhone = propensity(0.6, 0, 0.2)

  const sizes = Array.from({ length: 1 + int(6) }, () => (random() < 0.05 ? 0 : 1 + int(16)))
  const rest = 2 + int(10)
  let start = 0
  const buildings: World['buildings'] = sizes.map((households) => {
    const b = { start, households, head: null, headLivesHere: true, relayed: false, posted: false, group: new Set<number>(), doors: new Set<number>() }
    start += households
    return b
  })
  const H = start + rest
  // One order for "nested": by a random key, each head's household first.
  const key = Array.from({ length: H }, () => random())
  const reached = new Set<number>()

  /** Households of `pool` a way reaches, each with probability p, placed by the mode. */
  const choose = (pool: number[], p: number): number[] => {
    if (mode === 'independent') return pool.filter(() => random() < p)
    const k = pool.filter(() => random() < p).length
    if (mode === 'nested') return [...pool].sort((a, b) => key[a] - key[b]).slice(0, k)
    const shuffled = shuffle(pool, random)
    return [...shuffled.filter((h) => !reached.has(h)), ...shuffled.filter((h) => reached.has(h))].slice(0, k)
  }
  const mark = (list: Iterable<number>) => {
    for (const h of list) reached.add(h)
  }

  for (const b of buildings) {
    if (!b.households || random() >= 0.9) continue
    b.headLivesHere = random() < 0.9
    const home = b.start + int(b.households)
    b.head = b.headLivesHere ? home : null
    if (b.head !== null) key[b.head] = -1
    b.relayed = random() < pRelay
    b.posted = random() < 0.3
    const others = range(b.start, b.households).filter((h) => h !== b.head)
    for (const h of choose(others, pDoor)) b.doors.add(h)
    if (b.head !== null && b.doors.size && random() < 0.5) b.doors.add(b.head)
    mark(b.doors)
    if (b.head !== null && (b.relayed || b.posted || b.doors.size)) mark([b.head])
    if (b.relayed) {
      if (b.head !== null) b.group.add(b.head)
      for (const h of choose(others, pGroup)) b.group.add(h)
      mark(b.group)
    }
  }

  const all = range(0, H)
  const readers: World['readers'] = []
  const buildingOf = (h: number) => buildings.findIndex((b) => h >= b.start && h < b.start + b.households)
  for (const home of choose(all, pRead)) {
    for (let i = 1 + int(maxReaders); i > 0; i--) {
      const b = buildingOf(home)
      readers.push({ home, via: b >= 0 && random() < 0.5 ? b : null })
    }
  }
  mark(readers.map((r) => r.home!))
  const outside = random() < 0.6 ? 0 : 1 + int(4)
  for (let i = 0; i < outside; i++) readers.push({ home: null, via: random() < 0.5 ? int(buildings.length) : null })

  const leaderDoor = new Set(choose(all, pLeaderDoor))
  mark(leaderDoor)
  const leaderPhone = new Set(choose(all, pLeaderPhone))
  return { households: H, buildings, readers, leaderDoor, leaderPhone }
}

export const range = (from: number, length: number) => Array.from({ length }, (_, i) => from + i)

function shuffle<T>(list: T[], random: () => number): T[] {
  const out = [...list]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

/** What the system is told: the figures. */
export function figuresOf(world: World): GridReach {
  const buildings: BuildingReach[] = world.buildings.map((b, i) => ({
    key: `b${i}`,
    households: b.households,
    relayed: b.relayed,
    posted: b.posted,
    doorHouseholds: b.doors.size,
    readers: world.readers.filter((r) => r.via === i).length,
    headLivesHere: b.headLivesHere,
  }))
  return {
    households: world.households,
    buildings,
    readers: world.readers.length,
    buildingLinkReaders: world.readers.filter((r) => r.via !== null).length,
    leader: { doorHouseholds: world.leaderDoor.size, phoneHouseholds: world.leaderPhone.size },
  }
}

/** The households reached (the truth's definition, in one place). */
export function reachedIn(world: World): Set<number> {
  const reached = new Set<number>()
  for (const r of world.readers) if (r.home !== null) reached.add(r.home)
  for (const b of world.buildings) {
    if (b.relayed) for (const h of b.group) if (h >= b.start && h < b.start + b.households) reached.add(h)
    for (const h of b.doors) reached.add(h)
    if (b.head !== null && b.headLivesHere && (b.relayed || b.posted || b.doors.size > 0)) reached.add(b.head)
  }
  for (const h of world.leaderDoor) reached.add(h)
  for (const h of world.leaderPhone) reached.add(h)
  return reached
}

/** The truth: households reached, in the grid and in each building. */
export function truthOf(world: World): { grid: number; buildings: number[] } {
  const reached = reachedIn(world)
  return {
    grid: reached.size,
    buildings: world.buildings.map((b) => range(b.start, b.households).filter((h) => reached.has(h)).length),
  }
}

/**
 * The street that has these figures and reaches as few households as it
 * can (for the grid, or, with `focus`, for that building): every reader
 * lives outside, every group holds only its head, each head counts their
 * own household among the doors, and the leader's households are those
 * already reached (for a building: outside it first).
 */
export function fewestWorld(f: GridReach, focus?: number): World {
  const world = skeleton(f)
  world.buildings.forEach((b, i) => {
    const fb = f.buildings[i]
    if (b.head !== null) b.group = fb.relayed ? new Set([b.head]) : new Set()
    // The head's household first, then its neighbours: the doors include the head's own.
    for (const h of range(b.start, fb.doorHouseholds)) b.doors.add(h)
  })
  world.readers = readersOf(f, () => null)
  const reached = reachedIn(world)
  const inFocus = (h: number) => focus !== undefined && h >= world.buildings[focus].start && h < world.buildings[focus].start + world.buildings[focus].households
  // Outside the focused building first; then households already reached; then the others.
  const order = range(0, f.households).sort((a, b) => Number(inFocus(a)) - Number(inFocus(b)) || Number(!reached.has(a)) - Number(!reached.has(b)) || a - b)
  world.leaderDoor = new Set(order.slice(0, f.leader.doorHouseholds))
  world.leaderPhone = new Set(order.slice(0, f.leader.phoneHouseholds))
  return world
}

/**
 * The street that has these figures and reaches as many households as it
 * can (for the grid, or, with `focus`, for that building): every relayed
 * group holds its whole building, no head counts their own household among
 * the doors, every reader is the only reader of a household not otherwise
 * reached, and so are the leader's households (for a building: all in it
 * first).
 */
export function mostWorld(f: GridReach, focus?: number): World {
  const world = skeleton(f)
  world.buildings.forEach((b, i) => {
    const fb = f.buildings[i]
    if (fb.relayed) b.group = new Set(range(b.start, b.households))
    // The head is the first household; the doors are the next ones (the head's own only when every household was told).
    const doors = fb.doorHouseholds <= b.households - 1 ? range(b.start + 1, fb.doorHouseholds) : range(b.start, b.households)
    for (const h of doors) b.doors.add(h)
  })
  const reached = reachedIn(world)
  const inFocus = (h: number) => focus === undefined || (h >= world.buildings[focus].start && h < world.buildings[focus].start + world.buildings[focus].households)
  const free = range(0, f.households)
    .filter((h) => !reached.has(h))
    .sort((a, b) => Number(inFocus(b)) - Number(inFocus(a)) || a - b)
  // Readers first, then the leader's doors and phones, each taking the next household not yet reached (then any, or outside).
  let next = 0
  const take = () => (next < free.length && inFocus(free[next]) ? free[next++] : null)
  world.readers = readersOf(f, take)
  const taken = (n: number) => {
    const out = new Set<number>()
    while (out.size < n) {
      const h = take()
      if (h === null) break
      out.add(h)
    }
    for (const h of range(0, f.households)) if (out.size < n) out.add(h)
    return out
  }
  world.leaderDoor = taken(f.leader.doorHouseholds)
  world.leaderPhone = taken(f.leader.phoneHouseholds)
  return world
}

/** Buildings and heads as the figures say: the head of a building is its first household, when they live there and confirmed anything. */
function skeleton(f: GridReach): World {
  let start = 0
  const buildings = f.buildings.map((fb) => {
    const b = {
      start,
      households: fb.households,
      head: fb.households > 0 && fb.headLivesHere !== false ? start : null,
      headLivesHere: fb.headLivesHere !== false,
      relayed: fb.relayed,
      posted: fb.posted,
      group: new Set<number>(),
      doors: new Set<number>(),
    }
    start += fb.households
    return b
  })
  return { households: f.households, buildings, readers: [], leaderDoor: new Set(), leaderPhone: new Set() }
}

/** The figures' readers: so many through each building's link, the rest by other channels, each at the home given. */
function readersOf(f: GridReach, home: () => number | null): World['readers'] {
  const readers: World['readers'] = []
  f.buildings.forEach((fb, i) => {
    for (let n = 0; n < fb.readers; n++) readers.push({ home: home(), via: i })
  })
  while (readers.length < f.readers) readers.push({ home: home(), via: null })
  return readers
}
