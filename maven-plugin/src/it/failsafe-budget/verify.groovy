// Failsafe's JVM gets the agent through prepare-agent-integration; its leak is within maxLeaks=1: a warning, a pass.
def log = new File(basedir, 'build.log').text
def fail = { String m -> throw new AssertionError(m) }
def reports = { String dir -> (new File(basedir, dir).listFiles() ?: []).findAll { it.name ==~ /leakwatch-\d+\.json/ } }
if (reports('target/leakwatch').size() != 1) fail("Surefire's JVM: expected one report, got ${reports('target/leakwatch')*.name}")
if (reports('target/leakwatch-it').size() != 1) fail("Failsafe's JVM: expected one report, got ${reports('target/leakwatch-it')*.name}")
if (!log.contains('[WARNING] leakwatch: ') || !log.contains('at demo.LeakyIT.leaksAConnection(LeakyIT.java:14)')) fail('the leak within budget is not printed as a warning with its site')
if (!log.contains('leakwatch: 1 leak in 1 group in 2 test JVMs, at most 1 allowed')) fail('no summary within budget')
if (!log.contains('[leakwatch] WARN leakwatch: 1 leak in 1 group (acquired 1, released 0, open 1')) fail("Failsafe JVM's exit summary is not in the build log")

def xml = { String dir -> (new File(basedir, dir).listFiles() ?: []).find { it.name ==~ /TEST-leakwatch-\d+\.xml/ }?.text }
def unit = xml('target/surefire-reports'), it = xml('target/failsafe-reports')
if (unit == null || !unit.contains('name="no connection leaks"')) fail("Surefire's leakwatch XML: ${unit}")
if (it == null || !it.contains('<skipped message="within the allowed 1:') || it.contains('<failure')) fail("Failsafe's leakwatch XML: ${it}")

def index = new File(basedir, 'target/site/leakwatch/index.html')
if (!index.isFile() || !index.text.contains('1 leak in 1 group')) fail('no HTML index for the build')
if (!(new File(basedir, 'target/site/leakwatch').list().any { it ==~ /it-leakwatch-\d+\.html/ })) fail('no HTML page for the Failsafe JVM')
return true
