// Builds the plugin the way Grafana loads it (the @grafana/create-plugin conventions): one AMD
// module.js exporting `plugin`, plus plugin.json and the images, in dist/.
const path = require('node:path');
const CopyWebpackPlugin = require('copy-webpack-plugin');
const { EsbuildPlugin } = require('esbuild-loader');
const pkg = require('./package.json');

// Everything Grafana provides to plugins at runtime (create-plugin's list). Bundling any of these
// would ship a second copy that does not share state (theme, React) with Grafana.
const EXTERNALS = [
  'lodash', 'jquery', 'moment', 'slate', 'emotion', '@emotion/react', '@emotion/css', 'prismjs',
  'slate-plain-serializer', '@grafana/slate-react', 'react', 'react-dom', 'react-redux', 'redux',
  'rxjs', 'i18next', 'react-router', 'd3', 'angular', /^@grafana\/ui/i, /^@grafana\/runtime/i, /^@grafana\/data/i,
];

function today() {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  return new Date(epoch ? Number(epoch) * 1000 : Date.now()).toISOString().slice(0, 10);
}

module.exports = (_env, argv) => {
  const production = argv.mode !== 'development';
  return {
    mode: production ? 'production' : 'development',
    context: path.join(__dirname, 'src'),
    entry: { module: './module.ts' },
    devtool: production ? 'source-map' : 'eval-source-map',
    target: 'web',
    output: {
      path: path.join(__dirname, 'dist'),
      filename: '[name].js',
      library: { type: 'amd' },
      publicPath: '/',
      clean: true,
      uniqueName: 'statusgraph-dependencies-panel',
    },
    externals: EXTERNALS,
    resolve: {
      extensions: ['.ts', '.tsx', '.js'],
      // Sources import siblings as ./x.js (NodeNext style, shared with the exporter).
      extensionAlias: { '.js': ['.ts', '.tsx', '.js'] },
    },
    module: {
      rules: [
        {
          test: /\.[jt]sx?$/,
          exclude: /node_modules/,
          loader: 'esbuild-loader',
          options: { target: 'es2020', jsx: 'transform', jsxFactory: 'React.createElement', jsxFragment: 'React.Fragment' },
        },
      ],
    },
    optimization: {
      minimize: production,
      minimizer: [new EsbuildPlugin({ target: 'es2020', legalComments: 'none' })],
    },
    performance: { hints: false },
    plugins: [
      new CopyWebpackPlugin({
        patterns: [
          {
            from: 'plugin.json',
            to: '.',
            transform: (content) => content.toString().replace('%VERSION%', pkg.version).replace('%TODAY%', today()),
          },
          { from: 'img/**/*', to: '.' },
          { from: '../docs/screenshot.png', to: 'img/screenshot.png', noErrorOnMissing: true },
          // README.md shows docs/*.png; Grafana renders it on the plugin's page.
          { from: '../README.md', to: '.', noErrorOnMissing: true },
          { from: '../docs/*.png', to: 'docs/[name][ext]', noErrorOnMissing: true },
          { from: '../CHANGELOG.md', to: '.', noErrorOnMissing: true },
        ],
      }),
    ],
  };
};
