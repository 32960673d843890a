/*
 * HARNESS-ONLY stand-ins for the three @grafana/* packages Grafana hands a plugin at runtime.
 * @grafana/data, @grafana/ui and @grafana/runtime publish no browser bundle, so this page provides
 * the few symbols the panel uses, backed by real data: the theme is Grafana's own createTheme()
 * output, computed in Node by the test and passed in as JSON. Any other symbol the module reaches
 * for throws, so a new import that Grafana would provide but this harness does not fails the test
 * loudly instead of rendering something half-right. Never shipped; not part of the plugin.
 */
(function () {
  function strict(name, symbols) {
    return new Proxy(symbols, {
      get: function (target, key) {
        if (key in target || typeof key === 'symbol' || key === '__esModule' || key === 'then' || key === 'default') return target[key];
        throw new Error('harness shim of ' + name + ' lacks "' + String(key) + '"');
      },
    });
  }

  define('@grafana/data', [], function () {
    function PanelPlugin(panel) {
      this.panel = panel;
      this.dataSupport = { annotations: false, alertStates: false };
      this.optionsSupplier = undefined;
    }
    PanelPlugin.prototype.setDataSupport = function (support) {
      this.dataSupport = Object.assign({}, this.dataSupport, support);
      return this;
    };
    PanelPlugin.prototype.setPanelOptions = function (supplier) {
      this.optionsSupplier = supplier;
      return this;
    };
    return strict('@grafana/data', {
      PanelPlugin: PanelPlugin,
      FieldType: { time: 'time', number: 'number', string: 'string', boolean: 'boolean', other: 'other', trace: 'trace', geo: 'geo', enum: 'enum', frame: 'frame', nestedFrames: 'nestedFrames' },
    });
  });

  define('@grafana/ui', ['react'], function (React) {
    function theme() {
      var t = window.__grafanaTheme;
      if (!t) throw new Error('harness: no theme');
      return t;
    }
    return strict('@grafana/ui', {
      useTheme2: function () { return theme(); },
      useStyles2: function (getStyles) {
        var t = theme();
        return React.useMemo(function () { return getStyles(t); }, [getStyles, t]);
      },
    });
  });

  define('@grafana/runtime', ['react'], function (React) {
    return strict('@grafana/runtime', {
      PanelDataErrorView: function (props) {
        return React.createElement('div', { 'data-testid': 'panel-data-error' }, 'Unable to render data: ' + props.message + '.');
      },
    });
  });
})();
