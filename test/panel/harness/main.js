/*
 * Harness driver: fetches the page data prepared by the test (frames, annotations, options, the
 * Grafana theme as JSON), loads the plugin module through the AMD loader like Grafana, and renders
 * its `plugin.panel` with PanelProps. Reports timings and errors on window.__harness.
 */
(function () {
  fetch('/data.json')
    .then(function (r) { return r.json(); })
    .then(function (page) {
      var theme = page.theme;
      var colors = page.colorsByName;
      theme.visualization.getColorByName = function (name) { return Object.prototype.hasOwnProperty.call(colors, name) ? colors[name] : name; };
      window.__grafanaTheme = theme;
      document.body.style.background = theme.colors.background.canvas;
      document.body.style.color = theme.colors.text.primary;
      document.body.style.fontFamily = theme.typography.fontFamily;
      require(['/plugin/module.js', 'react', 'react-dom'], function (mod, React, ReactDOM) {
        var el = document.getElementById('panel');
        el.style.width = page.width + 'px';
        el.style.height = page.height + 'px';
        el.style.background = theme.colors.background.primary;
        el.style.border = '1px solid ' + theme.colors.border.weak;
        el.style.borderRadius = '6px';
        var now = page.now;
        // The dashboard range: the last hour unless the test names another (page.from, page.rawFrom).
        var from = typeof page.from === 'number' ? page.from : now - 3600000;
        var timeRange = { from: { valueOf: function () { return from; } }, to: { valueOf: function () { return now; } }, raw: { from: page.rawFrom || 'now-1h', to: 'now' } };
        var props = {
          id: 1,
          data: { state: 'Done', series: page.series, annotations: page.annotations, timeRange: timeRange },
          timeRange: timeRange,
          timeZone: 'utc',
          options: page.options,
          transparent: false,
          width: page.width,
          height: page.height,
          fieldConfig: { defaults: {}, overrides: [] },
          renderCounter: 0,
          title: 'Dependencies',
          eventBus: { publish: function () {}, subscribe: function () { return { unsubscribe: function () {} }; } },
          onOptionsChange: function () {},
          onFieldConfigChange: function () {},
          replaceVariables: function (s) { return s; },
          onChangeTimeRange: function () {},
        };
        // Everything timed happens in here: createRoot, the first render, the next frame.
        function renderPanel() {
          var root = ReactDOM.createRoot(el);
          var t0 = performance.now();
          // flushSync: the layout and the whole first render happen inside this call.
          ReactDOM.flushSync(function () { root.render(React.createElement(mod.plugin.panel, props)); });
          var t1 = performance.now();
          requestAnimationFrame(function () {
            setTimeout(function () {
              window.__harness = {
                done: true,
                renderMs: t1 - t0,
                paintedMs: performance.now() - t0,
                dataSupport: mod.plugin.dataSupport,
              };
            }, 0);
          });
        }
        // ?manual: wait to be told, so a benchmark can read CPU counters right around the render.
        if (/[?&]manual\b/.test(location.search)) {
          window.__harnessRender = renderPanel;
          window.__harness = { done: false, ready: true };
        } else {
          renderPanel();
        }
      });
    })
    .catch(function (e) { window.__harness = { done: true, error: String(e && e.stack || e) }; });
})();
