import * as migration_20261126_222607_initial from './20261126_222607_initial';

export const migrations = [
  {
    up: migration_20261126_222607_initial.up,
    down: migration_20261126_222607_initial.down,
    name: '20261126_222607_initial'
  },
];
