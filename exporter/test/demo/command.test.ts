import { describe, expect, it } from 'vitest';
import { selfCommand } from '../../src/demo/command.js';

describe('the command the demo prints to break a component', () => {
  it('is node with the path of this CLI, relative below the current directory, never npx', () => {
    expect(selfCommand('/repo/exporter/dist/cli.js', '/repo')).toBe('node exporter/dist/cli.js');
    expect(selfCommand('/repo/exporter/dist/cli.js', '/home/ada')).toBe('node /repo/exporter/dist/cli.js');
    expect(selfCommand('/my repo/cli.js', '/tmp')).toBe("node '/my repo/cli.js'");
  });
});
