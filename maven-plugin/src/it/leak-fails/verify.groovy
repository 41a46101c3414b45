// The leak fails the build with its line, in the log and in the test reports; JaCoCo's coverage is intact;
// forkCount=2 with reuseForks=false gives one report per test JVM.
def log = new File(basedir, 'build.log').text
def fail = { String m -> throw new AssertionError(m) }

def reports = new File(basedir, 'target/leakwatch').listFiles().findAll { it.name ==~ /leakwatch-\d+\.json/ }
if (reports.size() != 2) fail("expected one report per forked JVM (2), got ${reports*.name}")

// the check goal: the one-line failure with the site, and the site printed above it
if (!(log =~ /leakwatch: 1 leak in 1 group in 2 test JVMs, at most 0 allowed; first at demo\.Orders\.open\(Orders\.java:9\)/))
    fail('no check failure line naming demo.Orders.open(Orders.java:9)')
if (!log.contains('at demo.LeakyTest.leaksAConnection(LeakyTest.java:13)')) fail('the leak group stack is not in the log')

// item 8: the forked JVMs' exit summaries reach the build log (each JVM prints its own)
if (!log.contains('[leakwatch] WARN leakwatch: 1 leak in 1 group (acquired 1, released 0, open 1')) fail('the leaking JVM exit summary is not in the build log')
if (!log.contains('[leakwatch] INFO leakwatch: 0 leaks in 0 groups')) fail('the clean JVM exit summary is not in the build log')

// JUnit XML beside Surefire's: the leak is a failed test case
def xmls = new File(basedir, 'target/surefire-reports').listFiles().findAll { it.name ==~ /TEST-leakwatch-\d+\.xml/ }
if (xmls.size() != 2) fail("expected 2 leakwatch JUnit XML files, got ${xmls*.name}")
def failures = xmls.collect { it.text }.join('').split('<failure ').drop(1)
if (failures.size() != 1 || !failures[0].contains('demo.Orders.open(Orders.java:9)')) fail("expected one failure naming the site, got ${failures}")

// JaCoCo still measured the tests: both agents were on the test JVMs' command line and the coverage report has Orders
if (!(log =~ /argLine set to -javaagent:\S*org\.jacoco\.agent\S* -javaagent:\S*leakwatch-agent\S*/)) fail('the argLine does not keep JaCoCo then leakwatch')
def exec = new File(basedir, 'target/jacoco.exec')
if (!exec.isFile() || exec.length() == 0) fail('no JaCoCo coverage data')
def coverage = new File(basedir, 'target/site/jacoco/jacoco.csv')
if (!coverage.isFile() || !(coverage.text =~ /demo,Orders,\d+,[1-9]/)) fail("JaCoCo shows no covered instruction in Orders: ${coverage.isFile() ? coverage.text : 'no report'}")
return true
