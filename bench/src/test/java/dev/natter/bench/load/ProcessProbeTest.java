package dev.natter.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class ProcessProbeTest {
  @Test
  void cpuTicksAreUserPlusSystemCountedFromTheLastParenthesis() {
    String stat = "23243 (java) S 1 23240 19201 0 -1 4194304 16890 0 0 0 78 10 0 0 20 0 31 0 2936039 9200820224";
    String oddName = "7 (a) b (c) d) R 1 7 7 0 -1 4194304 1 0 0 0 1500 250 0 0 20 0 1 0 100 0";

    assertThat(ProcessProbe.cpuTicks(stat)).isEqualTo(88);
    assertThat(ProcessProbe.cpuTicks(oddName)).isEqualTo(1750);
  }

  @Test
  void aLineThatIsNotAStatLineIsRefused() {
    assertThatThrownBy(() -> ProcessProbe.cpuTicks("no such process"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a /proc/PID/stat line");
    assertThatThrownBy(() -> ProcessProbe.cpuTicks("1 (x) S 1 2 3 4 5 6 7 8 9 10 u s"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsG1sUsedHeapNotTheMetaspace() {
    String g1 = """
        23243:
         garbage-first heap   total 57344K, used 6621K [0x0000000687400000, 0x0000000800000000)
          region size 4096K, 1 young (4096K), 0 survivors (0K)
         Metaspace       used 8494K, committed 8704K, reserved 1114112K
          class space    used 972K, committed 1088K, reserved 1048576K
        """;

    assertThat(ProcessProbe.heapUsedBytes(g1)).isEqualTo(6621L * 1024);
  }

  @Test
  void addsTheGenerationsOfTheParallelCollectorAndReadsZgcsMegabytes() {
    String parallel = """
        1:
         PSYoungGen      total 76288K, used 3932K [0x000000076b000000, 0x0000000770500000, 0x00000007c0000000)
          eden space 65536K, 6% used [0x000000076b000000,0x000000076b3d7158,0x000000076f000000)
         ParOldGen       total 175104K, used 100K [0x00000006c1000000, 0x00000006cbb00000, 0x000000076b000000)
         Metaspace       used 8494K, committed 8704K, reserved 1114112K
        """;
    String zgc = """
        1:
         ZHeap           used 8M, capacity 32M, max capacity 1024M
         Metaspace       used 8494K, committed 8704K, reserved 1114112K
        """;

    assertThat(ProcessProbe.heapUsedBytes(parallel)).isEqualTo((3932L + 100) * 1024);
    assertThat(ProcessProbe.heapUsedBytes(zgc)).isEqualTo(8L << 20);
  }

  @Test
  void outputWithoutAUsedHeapIsRefused() {
    assertThatThrownBy(() -> ProcessProbe.heapUsedBytes("1:\nCould not attach\n"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no used heap");
  }

  @Test
  void findsTheServersUriInItsListeningLineOnly() {
    assertThat(ServerProcess.listeningUri("listening on ws://127.0.0.1:38603/chat"))
        .isEqualTo(URI.create("ws://127.0.0.1:38603/chat"));
    assertThat(ServerProcess.listeningUri("natter-server: the chat page is at http://127.0.0.1:38603/")).isNull();
    assertThat(ServerProcess.listeningUri("listening on ws://[bad")).isNull();
  }
}
