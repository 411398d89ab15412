// What Grafana loads of this plugin: both modules, so one levitate run checks every @grafana/* API they use.
import '../../src/app/module';
import '../../src/datasource/module';
