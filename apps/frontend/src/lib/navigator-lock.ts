import type { WithLock } from './api-client';

/**
 * A Web Locks mutex shared by every tab of the origin; where the API is missing, the task
 * runs unlocked (concurrent refreshes from two tabs are then possible but rare).
 */
export const withNavigatorLock: WithLock = (name, task) => {
  if (!('locks' in navigator)) return task();
  return new Promise((resolve, reject) => {
    // The lock is held until the promise returned by the callback settles.
    navigator.locks.request(name, () => task().then(resolve, reject)).catch(reject);
  });
};
