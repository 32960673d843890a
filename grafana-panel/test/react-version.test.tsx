import React, { useState } from 'react';
import ReactDOM from 'react-dom';
import { render, screen } from '@testing-library/react';
import { useTheme2 } from '@grafana/ui';
import { describe, expect, it } from 'vitest';

// The panel tests run twice, under React 18 and React 19 (vitest projects panel and
// panel-react19): this makes sure each run really loads the React it names, in the test code,
// in react-dom, and in what @grafana/ui renders with.
describe('React under test', () => {
  const major = process.env.PANEL_TEST_REACT;

  it('is the line this project names, for react and react-dom alike', () => {
    expect(major === '18' || major === '19').toBe(true);
    expect(React.version.split('.')[0]).toBe(major);
    expect(ReactDOM.version).toBe(React.version);
  });

  it('renders hooks and @grafana/ui context through that one React', () => {
    function Probe() {
      const [n] = useState(2);
      const theme = useTheme2();
      return <span data-testid="probe">{`${n} ${theme.isDark ? 'dark' : 'light'}`}</span>;
    }
    render(<Probe />);
    expect(screen.getByTestId('probe').textContent).toMatch(/^2 (dark|light)$/);
  });
});
