// jsdom lacks matchMedia and canvas, which @grafana/ui touches at import time (theme media
// queries, text measuring). Tests only need them to exist, not to compute anything real.
import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/react';

afterEach(() => cleanup());

if (typeof window !== 'undefined') {
  if (!window.matchMedia) {
    Object.defineProperty(window, 'matchMedia', {
      writable: true,
      value: (query: string) => ({
        matches: false,
        media: query,
        onchange: null,
        addListener: () => {},
        removeListener: () => {},
        addEventListener: () => {},
        removeEventListener: () => {},
        dispatchEvent: () => false,
      }),
    });
  }
  // jsdom's canvas returns null contexts; @grafana/ui measures text through one.
  HTMLCanvasElement.prototype.getContext = function getContext() {
    return {
      measureText: (text: string) => ({ width: text.length * 7 }),
      fillText: () => {},
      fillRect: () => {},
      clearRect: () => {},
      font: '',
    };
  } as unknown as HTMLCanvasElement['getContext'];
}
