// What Grafana loads of this plugin: both modules, so one levitate run checks every @grafana/* API they use.
import './app/module';
import './datasource/module';
