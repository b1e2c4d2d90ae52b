# CPU of the cluster benchmark's processes (nodes, Redis, PostgreSQL, load driver) over SECONDS, from /proc:
# python3 bench/scripts/cpu-sample.py SECONDS   (run while bench/scripts/cluster-bench.sh measures)
import os, time, sys
def snap():
    out={}
    for pid in os.listdir('/proc'):
        if not pid.isdigit(): continue
        try:
            cmd=open(f'/proc/{pid}/cmdline','rb').read().replace(b'\0',b' ').decode(errors='replace')
            st=open(f'/proc/{pid}/stat').read().rsplit(')',1)[1].split()
            t=int(st[11])+int(st[12])
        except Exception: continue
        if 'natter-server.jar' in cmd:
            i=cmd.find('--node-id'); name='node '+(cmd[i+10:i+12] if i>=0 else 'alone')
        elif 'redis-server' in cmd: name='redis'
        elif 'postgres' in cmd and ('bin/postgres' in cmd or 'postgres:' in cmd): name='postgresql'
        elif 'LoadDriver' in cmd: name='driver'
        else: continue
        out[(name,pid)]=t
    return out
a=snap(); t0=time.time(); time.sleep(float(sys.argv[1])); b=snap(); dt=time.time()-t0
hz=os.sysconf('SC_CLK_TCK'); tot={}
for k,v in b.items():
    tot[k[0]]=tot.get(k[0],0)+(v-a.get(k,v))/hz/dt*100
for k,v in sorted(tot.items()): print(f'{k}: {v:.0f}%')
