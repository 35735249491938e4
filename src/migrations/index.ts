import * as migration_20261126_221135_initial from './20261126_221135_initial';

export const migrations = [
  {
    up: migration_20261126_221135_initial.up,
    down: migration_20261126_221135_initial.down,
    name: '20261126_221135_initial'
  },
];
