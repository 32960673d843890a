/*
 * The build config in the place and language @grafana/create-plugin scaffolds it
 * (.config/webpack/webpack.config.ts; the plugin validator's buildtools check looks for this file
 * and for create-plugin in it). Builds the plugin the way Grafana loads it: one AMD module.js
 * exporting `plugin`, with its source map, plus plugin.json, the images, the README, CHANGELOG
 * and LICENSE, in dist/. ../../webpack.config.js (the scaffold's extension point) loads it.
 */
import fs from 'node:fs';
import path from 'node:path';
import CopyWebpackPlugin from 'copy-webpack-plugin';
import { EsbuildPlugin } from 'esbuild-loader';
import type { Configuration } from 'webpack';

/** The plugin's own folder (grafana-panel/), two levels above this file. */
const ROOT = path.resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };

// Everything Grafana provides to plugins at runtime (create-plugin's list). Bundling any of these
// would ship a second copy that does not share state (theme, React) with Grafana.
const EXTERNALS: Array<string | RegExp> = [
  'lodash', 'jquery', 'moment', 'slate', 'emotion', '@emotion/react', '@emotion/css', 'prismjs',
  'slate-plain-serializer', '@grafana/slate-react', 'react', 'react-dom', 'react-redux', 'redux',
  'rxjs', 'i18next', 'react-router', 'd3', 'angular', /^@grafana\/ui/i, /^@grafana\/runtime/i, /^@grafana\/data/i,
];

function today(): string {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  return new Date(epoch ? Number(epoch) * 1000 : Date.now()).toISOString().slice(0, 10);
}

export default function config(_env: unknown, argv: { mode?: string }): Configuration {
  const production = argv.mode !== 'development';
  return {
    mode: production ? 'production' : 'development',
    context: path.join(ROOT, 'src'),
    entry: { module: './module.ts' },
    devtool: production ? 'source-map' : 'eval-source-map',
    target: 'web',
    output: {
      path: path.join(ROOT, 'dist'),
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
            transform: (content: Buffer) => content.toString().replace('%VERSION%', pkg.version).replace('%TODAY%', today()),
          },
          { from: 'img/**/*', to: '.' },
          // Each screenshot once, under img/ (plugin.json names img/screenshot.png); the README,
          // which Grafana renders on the plugin's page, points there instead of docs/.
          { from: '../docs/*.png', to: 'img/[name][ext]' },
          { from: '../README.md', to: '.', transform: (content: Buffer) => content.toString().replace(/\]\(docs\/([\w-]+\.png)\)/g, '](img/$1)') },
          { from: '../CHANGELOG.md', to: '.' },
          // The plugin validator requires a LICENSE in the archive; the repository's own applies.
          { from: path.join(ROOT, '..', 'LICENSE'), to: 'LICENSE', toType: 'file' },
        ],
      }),
    ],
  };
}
