/**
 * Template variables interpolated by Grafana's own code, for tests: a dashboard scene from `@grafana/scenes` (an
 * `EmbeddedScene` with a `SceneVariableSet` of `CustomVariable`s) and a TemplateSrv that hands `replace()` to
 * `sceneGraph.interpolate`, as Grafana's TemplateSrv does on scenes dashboards (Grafana 10.4+,
 * public/app/features/templating/template_srv.ts): formats (`${var:csv}`, `sqlstring`, `regex`, …), All values,
 * scoped variables and repeats are then Grafana's, not ours. Used by the Jest tests and by the browser test host.
 */
import './jsdomIntersectionObserver';

import type { ScopedVars, TypedVariableModel } from '@grafana/data';
import {
  CustomVariable,
  EmbeddedScene,
  LocalValueVariable,
  SafeSerializableSceneObject,
  SceneCanvasText,
  SceneFlexItem,
  SceneFlexLayout,
  sceneGraph,
  SceneVariableSet,
  type SceneObject,
  type VariableCustomFormatterFn,
} from '@grafana/scenes';
import type { VariableInterpolation } from '@grafana/runtime';

/** Grafana's value of "All" (public/app/features/variables/constants.ts). */
export const ALL_VALUE = '$__all';

/** A custom variable of the dashboard: its options, what is selected (`ALL_VALUE` for All) and its settings. */
export interface DashboardVariable {
  name: string;
  options: string[];
  value: string | string[];
  isMulti?: boolean;
  includeAll?: boolean;
  /** Grafana's "Custom all value": inserted as it is instead of every option. */
  allValue?: string;
}

// A custom variable's query is its options separated by commas; a comma inside an option is written `\,`.
const customQuery = (options: string[]) => options.map((option) => option.replace(/,/g, '\\,')).join(',');

function customVariable({ name, options, value, isMulti, includeAll, allValue }: DashboardVariable): CustomVariable {
  return new CustomVariable({ name, query: customQuery(options), value, text: value, isMulti, includeAll, allValue });
}

/** What a scenes dashboard's TemplateSrv offers a datasource. */
export interface SceneTemplateSrv {
  replace(target?: string, scopedVars?: ScopedVars, format?: string | Function): string;
  getVariables(): TypedVariableModel[];
  containsTemplate(target?: string): boolean;
  updateTimeRange(): void;
}

/** A dashboard scene holding `variables`, activated (variables validated), with Grafana's TemplateSrv over it. */
export interface DashboardScene {
  templateSrv: SceneTemplateSrv;
  /**
   * The scoped variables a query of a panel repeated over `name` (this repeat's `value`) gets from its
   * SceneQueryRunner: `__sceneObject` is the repeated panel, whose own variable set holds a LocalValueVariable.
   */
  repeatScope(name: string, value: string): ScopedVars;
  /** Deactivates the scene (clears Grafana's global scene context). */
  deactivate(): void;
}

/** The old variable model Grafana's `getVariablesCompatibility` derives from scene variables (the fields we use). */
function toVariableModel(variable: CustomVariable): TypedVariableModel {
  const { name, isMulti, includeAll, allValue, value, text, options, query } = variable.state;
  return {
    type: 'custom',
    name,
    query,
    multi: Boolean(isMulti),
    includeAll: Boolean(includeAll),
    allValue,
    current: { value, text },
    options: options.map((option) => ({ value: option.value, text: option.label, selected: false })),
  } as unknown as TypedVariableModel;
}

function templateSrvOver(scene: SceneObject): SceneTemplateSrv {
  return {
    replace(target, scopedVars, format) {
      // As Grafana: the scene object a query comes from (a SceneQueryRunner's `__sceneObject`) is the scope; otherwise
      // the dashboard.
      const scope = (scopedVars?.__sceneObject?.value as SafeSerializableSceneObject | undefined)?.valueOf() ?? scene;
      return sceneGraph.interpolate(scope, target, scopedVars, format as string | VariableCustomFormatterFn);
    },
    getVariables() {
      return sceneGraph
        .getVariables(scene)
        .state.variables.filter((variable): variable is CustomVariable => variable instanceof CustomVariable)
        .map(toVariableModel);
    },
    containsTemplate(target) {
      const interpolations: VariableInterpolation[] = [];
      sceneGraph.interpolate(scene, target, undefined, undefined, interpolations);
      return interpolations.some((interpolation) => interpolation.found);
    },
    updateTimeRange() {},
  };
}

/** Builds and activates a dashboard scene with `variables`. */
export function dashboardScene(variables: DashboardVariable[]): DashboardScene {
  const layout = new SceneFlexLayout({ children: [] });
  const scene = new EmbeddedScene({
    $variables: new SceneVariableSet({ variables: variables.map(customVariable) }),
    body: layout,
  });
  const deactivate = scene.activate();
  return {
    templateSrv: templateSrvOver(scene),
    repeatScope(name, value) {
      const repeated = sceneGraph.lookupVariable(name, scene);
      if (!(repeated instanceof CustomVariable)) {
        throw new Error(`repeatScope: the dashboard has no custom variable "${name}"`);
      }
      // As Grafana's repeats: the clone's variable keeps isMulti/includeAll, so datasources still quote its value
      // as a multi-value one (`IN ($var)` stays valid SQL in every repeat).
      const { isMulti, includeAll } = repeated.state;
      const local = new LocalValueVariable({ name, value, text: value, isMulti, includeAll });
      const panel = new SceneFlexItem({
        $variables: new SceneVariableSet({ variables: [local] }),
        body: new SceneCanvasText({ text: `repeat ${name}=${value}` }),
      });
      layout.setState({ children: [...layout.state.children, panel] });
      return { __sceneObject: new SafeSerializableSceneObject(panel) };
    },
    deactivate,
  };
}
