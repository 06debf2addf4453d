// One shared one-second clock for every relative time on screen; it only ticks while something
// reads it.

import { createSubscriber } from "svelte/reactivity";

let current = Date.now();

const subscribe = createSubscriber((update) => {
  current = Date.now();
  const id = setInterval(() => {
    current = Date.now();
    update();
  }, 1000);
  return () => clearInterval(id);
});

export const clock = {
  get now(): number {
    subscribe();
    return current;
  },
};
