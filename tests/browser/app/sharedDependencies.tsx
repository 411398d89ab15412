/**
 * The packages Grafana gives plugins at run time (public/app/features/plugins/loader/sharedDependencies.ts), from
 * the published packages the host was built with: the plugin's bundles list them as AMD dependencies
 * (.config/bundler/externals.ts) and must get these very instances, or React hooks, contexts and `instanceof`
 * checks break.
 */
import * as emotionCss from '@emotion/css';
import * as grafanaData from '@grafana/data';
import * as grafanaRuntime from '@grafana/runtime';
import * as grafanaUI from '@grafana/ui';
import * as lodash from 'lodash';
import * as react from 'react';
import * as reactJsxRuntime from 'react/jsx-runtime';
import * as reactDom from 'react-dom';
import * as reactDomClient from 'react-dom/client';
import * as reactRouter from 'react-router';
import * as rxjs from 'rxjs';
import * as rxjsOperators from 'rxjs/operators';

/** Module name → module namespace, as SystemJS hands it to an AMD dependency. */
export const sharedDependencies: Record<string, Record<string, unknown>> = {
  '@emotion/css': emotionCss,
  '@grafana/data': grafanaData,
  '@grafana/runtime': grafanaRuntime,
  '@grafana/ui': grafanaUI,
  // Grafana hands lodash over as its default export (the lodash function with every helper on it).
  lodash: { ...lodash, __useDefault: true },
  react,
  'react/jsx-runtime': reactJsxRuntime,
  'react-dom': reactDom,
  'react-dom/client': reactDomClient,
  // Grafana's one react-router v6 (it provides react-router-dom-v5-compat under this name, which re-exports it).
  'react-router': reactRouter,
  rxjs,
  'rxjs/operators': rxjsOperators,
};
