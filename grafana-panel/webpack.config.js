// The build config lives in .config/webpack/ (the @grafana/create-plugin layout, which the plugin
// validator's tooling check looks for); this file is the scaffold's extension point: change the
// exported config here rather than in .config/.
export { default } from './.config/webpack/webpack.config.cjs';
