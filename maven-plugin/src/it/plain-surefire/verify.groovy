// Surefire closes its channel (the fork's System.out/System.err) before the agent's exit report runs: the report
// goes to the JVM's own stderr, which Surefire copies into the build log.
def log = new File(basedir, 'build.log').text
def fail = { String m -> throw new AssertionError(m) }
if (!(log =~ /\[leakwatch\] INFO leakwatch \S+ watching /)) fail('the agent did not start in the test JVM')
if (!log.contains('[leakwatch] WARN LEAK (open at exit) jdbc.connection x1 target=jdbc:h2:mem:leaky')) fail('the exit report of the leak is not in the build log')
if (!log.contains('\tat demo.LeakyTest.leaksAConnection(LeakyTest.java:14)')) fail('the site of the leak is not in the build log')
if (!log.contains('[leakwatch] WARN leakwatch: 1 leak in 1 group (acquired 1, released 0, open 1')) fail('the exit summary is not in the build log')
if (log.contains('Corrupted channel')) fail('the agent wrote to the fork\'s native stdout, which is Surefire\'s channel')
return true
