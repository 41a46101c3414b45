// Each module reads its own reports: the clean one passes, the leaking one fails the build naming its site.
def log = new File(basedir, 'build.log').text
def fail = { String m -> throw new AssertionError(m) }
def reports = { String m -> (new File(basedir, m + '/target/leakwatch').listFiles() ?: []).findAll { it.name ==~ /leakwatch-\d+\.json/ } }
if (reports('clean').size() != 1 || reports('leaky').size() != 1) fail('expected one report per module')
if (!log.contains('leakwatch: 0 leaks in 0 groups in 1 test JVM, at most 0 allowed')) fail('the clean module did not pass its check')
if (!(log =~ /leakwatch: 1 leak in 1 group in 1 test JVM, at most 0 allowed; first at demo\.LeakyTest\.leaksAConnection\(LeakyTest\.java:14\)/)) fail('the leaking module did not fail with its site')
if (!(log =~ /(?s)Reactor Summary.*clean \.+ SUCCESS.*leaky \.+ FAILURE/)) fail('the reactor summary does not show clean passing and leaky failing')
return true
