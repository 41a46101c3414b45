def log = new File(basedir, 'build.log').text
def fail = { String m -> throw new AssertionError(m) }
if ((log =~ /leakwatch: skipped \(leakwatch\.skip\)/).count != 2) fail('prepare-agent and check did not both say they were skipped')
if (log.contains('[leakwatch]')) fail('the agent ran although skipped')
if (new File(basedir, 'target/leakwatch').exists()) fail('a report directory was made although skipped')
return true
