import type { JobsConfig, TaskConfig } from 'payload'

import { relayTellTask } from './relayTellTask'
import { wechatRetractTask } from './wechatRetract'

/**
 * Payload's job queue as this system runs it: node-cron (scheduler.ts) is the
 * one runner, and it claims each job under a lease (runner.ts), so Payload's
 * own runners stay off — its autorun, and its HTTP run endpoint, whose claim
 * is a read followed by an unconditional write that two processes can both
 * win.
 */
const tasks: TaskConfig[] = [wechatRetractTask, relayTellTask]

/**
 * Add tasks before the config is built (before src/payload.config.ts is first
 * imported). The worker tests use it for their probe task; the system's own
 * tasks are listed here.
 */
export function addTasks(...more: TaskConfig[]) {
  tasks.push(...more)
}

export function jobsConfig(): JobsConfig {
  return {
    shouldAutoRun: () => false,
    access: { run: () => false },
    tasks: [...tasks],
    jobsCollectionOverrides: ({ defaultJobsCollection }) => ({
      ...defaultJobsCollection,
      // The claim's query: ready jobs of one queue, oldest first.
      indexes: [...(defaultJobsCollection.indexes ?? []), { fields: ['queue', 'completedAt', 'createdAt'] }],
    }),
  }
}
