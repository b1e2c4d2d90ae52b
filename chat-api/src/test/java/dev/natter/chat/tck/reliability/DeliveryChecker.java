package dev.natter.chat.tck.reliability;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.User;
import dev.natter.chat.tck.reliability.DeliveryLog.Delivered;
import dev.natter.chat.tck.reliability.DeliveryLog.Event;
import dev.natter.chat.tck.reliability.DeliveryLog.Gap;
import dev.natter.chat.tck.reliability.DeliveryLog.Joined;
import dev.natter.chat.tck.reliability.DeliveryLog.Observer;
import dev.natter.chat.tck.reliability.DeliveryLog.Outcome;
import dev.natter.chat.tck.reliability.DeliveryLog.Send;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks a {@link DeliveryLog} against Natter's promise: every message the server acknowledged is
 * delivered live, recovered from history, or reported as a gap; nothing is applied twice; each room's
 * messages arrive in {@code seq} order.
 *
 * <p>Per room it first rebuilds what is known to be stored, {@code seq} by {@code seq}, from the
 * acknowledgements, every client's deliveries and the store snapshot, and flags any disagreement (two
 * messages at one {@code seq}, one send stored twice, a failed send stored). Then, for each client, it
 * walks the events in the order the client saw them:
 *
 * <ul>
 *   <li>a message whose {@code mid} the client already got is a duplicate; one with a {@code seq} not
 *       above the last it got is reordered;
 *   <li>every stored message after the {@code seq} the client joined at must have been delivered, or lie
 *       in a gap the client was told of. A client that stopped looking is held to that only up to the
 *       last message it got.
 * </ul>
 */
public final class DeliveryChecker {

  private DeliveryChecker() {}

  /** The verdict on everything recorded so far. */
  public static Verdict check(DeliveryLog log) {
    Map<String, Send> sends = log.sendsByText();
    Map<String, List<Observer>> observersByRoom = new HashMap<>();
    for (Observer observer : log.observers()) {
      observersByRoom.computeIfAbsent(observer.room, r -> new ArrayList<>()).add(observer);
    }
    Map<String, List<ChatMessage>> stores = log.stores();
    Set<String> rooms = new TreeSet<>(observersByRoom.keySet());
    rooms.addAll(stores.keySet());
    sends.values().forEach(s -> rooms.add(s.room()));

    Map<String, Verdict.Room> verdicts = new HashMap<>();
    for (String room : rooms) {
      verdicts.put(room, new RoomCheck(room, sends, observersByRoom.getOrDefault(room, List.of()),
          stores.get(room)).run());
    }
    return new Verdict(verdicts);
  }

  /** The checks of one room. */
  private static final class RoomCheck {
    private final String room;
    private final List<Send> sends = new ArrayList<>();
    private final Map<String, Send> sendsByText;
    private final List<Observer> observers;
    private final List<ChatMessage> store;
    /** What is known to be stored, by seq: a message's text and mid. */
    private final TreeMap<Long, ChatMessage> stored = new TreeMap<>();
    private final Map<String, Long> seqOfText = new HashMap<>();
    private final List<String> lost = new ArrayList<>();
    private final List<String> duplicates = new ArrayList<>();
    private final List<String> reordered = new ArrayList<>();
    private final Set<String> unexpected = new LinkedHashSet<>();
    private int deliveries;
    private int gaps;

    RoomCheck(String room, Map<String, Send> sendsByText, List<Observer> observers,
        List<ChatMessage> store) {
      this.room = room;
      this.sendsByText = sendsByText;
      this.observers = observers;
      this.store = store;
      sendsByText.values().stream().filter(s -> s.room().equals(room)).forEach(sends::add);
    }

    Verdict.Room run() {
      rebuildStored();
      checkStore();
      for (Observer observer : observers) {
        checkObserver(observer);
      }
      return new Verdict.Room(room, count(Outcome.ACKED), count(Outcome.FAILED), count(Outcome.UNKNOWN),
          stored.size(), deliveries, gaps, lost, duplicates, reordered, new ArrayList<>(unexpected));
    }

    private int count(Outcome outcome) {
      return (int) sends.stream().filter(s -> s.outcome() == outcome).count();
    }

    private void rebuildStored() {
      for (Send send : sends) {
        if (send.outcome() == Outcome.ACKED) {
          // The sender is not compared, only the seq, mid and text the receipt pins down.
          knowStored(new ChatMessage(room, send.receipt().seq(), send.receipt().mid(),
              User.anonymous(send.client()), null, send.text(), send.receipt().ts(), null),
              "acknowledged to " + send.client());
        }
      }
      for (Observer observer : observers) {
        for (Event event : observer.events()) {
          if (event instanceof Delivered d) {
            knowStored(d.message(), "delivered to " + observer.client);
          }
        }
      }
      if (store != null) {
        store.forEach(m -> knowStored(m, "in the store"));
      }
    }

    private void knowStored(ChatMessage message, String how) {
      ChatMessage known = stored.putIfAbsent(message.seq(), message);
      if (known != null && !(known.mid().equals(message.mid()) && known.text().equals(message.text()))) {
        unexpected.add("seq " + message.seq() + " is " + describe(known) + " but " + how + " it is "
            + describe(message));
        return;
      }
      Send send = sendsByText.get(message.text());
      if (send == null || !send.room().equals(room)) {
        unexpected.add("seq " + message.seq() + " " + how + " is no send of this room: " + describe(message));
        return;
      }
      if (send.outcome() == Outcome.FAILED) {
        unexpected.add("seq " + message.seq() + " " + how + " is a send that failed: " + send);
      }
      Long seqBefore = seqOfText.putIfAbsent(message.text(), message.seq());
      if (seqBefore != null && seqBefore != message.seq()) {
        duplicates.add("one send stored twice, at seq " + seqBefore + " and " + message.seq() + ": "
            + abbreviate(message.text()));
      }
    }

    private void checkStore() {
      if (store == null) {
        return;
      }
      Set<Long> inStore = new HashSet<>();
      long expected = 1;
      for (ChatMessage message : store) {
        inStore.add(message.seq());
        if (message.seq() != expected) {
          unexpected.add("the store has seq " + message.seq() + " where " + expected + " belongs");
        }
        expected = message.seq() + 1;
      }
      for (Send send : sends) {
        if (send.outcome() == Outcome.ACKED && !inStore.contains(send.receipt().seq())) {
          lost.add("acknowledged seq " + send.receipt().seq() + " is not in the store: "
              + abbreviate(send.text()));
        }
      }
    }

    private void checkObserver(Observer observer) {
      List<Event> events = observer.events();
      long joinedAt = Long.MAX_VALUE;
      long last = 0;
      Set<String> mids = new HashSet<>();
      Set<Long> seen = new HashSet<>();
      List<long[]> gapRanges = new ArrayList<>();
      for (Event event : events) {
        if (event instanceof Joined j) {
          joinedAt = Math.min(joinedAt, j.seq());
          last = Math.max(last, j.seq());
        } else if (event instanceof Gap g) {
          gaps++;
          gapRanges.add(new long[] {g.from(), g.to()});
        } else if (event instanceof Delivered d) {
          deliveries++;
          ChatMessage message = d.message();
          if (!mids.add(message.mid())) {
            duplicates.add(observer.client + " got seq " + message.seq() + " twice");
            continue;
          }
          if (message.seq() <= last) {
            reordered.add(observer.client + " got seq " + message.seq() + " after seq " + last);
          }
          last = Math.max(last, message.seq());
          seen.add(message.seq());
        }
      }
      if (joinedAt == Long.MAX_VALUE) {
        joinedAt = 0; // a direct conversation: followed from its first message
      }
      long until = observer.stopped ? last : Long.MAX_VALUE;
      for (long seq : stored.subMap(joinedAt, false, until, true).keySet()) {
        if (!seen.contains(seq) && !covered(gapRanges, seq)) {
          lost.add(observer.client + " never got seq " + seq + ": " + abbreviate(stored.get(seq).text()));
        }
      }
    }

    private static boolean covered(List<long[]> gapRanges, long seq) {
      return gapRanges.stream().anyMatch(range -> seq > range[0] && seq <= range[1]);
    }

    private static String describe(ChatMessage message) {
      return message.mid() + " \"" + abbreviate(message.text()) + "\"";
    }

    private static String abbreviate(String text) {
      return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
  }
}
