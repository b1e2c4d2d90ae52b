package dev.natter.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MessageTextTest {
  @Test
  void aTextHasTheLengthAskedForAndReadsBack() {
    String text = MessageText.format(123_456_789_012L, 4, 17, 100);

    assertThat(text).hasSize(100).startsWith("123456789012 4 17 x").matches("[0-9 ]+x+");
    assertThat(MessageText.parse(text)).isEqualTo(new MessageText.Stamp(123_456_789_012L, 4, 17));
  }

  @Test
  void aNegativeNanoTimeReadsBack() {
    // System.nanoTime() has an arbitrary origin and may be negative.
    String text = MessageText.format(Long.MIN_VALUE + 1, 0, 0, 40);

    assertThat(MessageText.parse(text)).isEqualTo(new MessageText.Stamp(Long.MIN_VALUE + 1, 0, 0));
  }

  @Test
  void theHeaderIsNeverCutEvenWhenLongerThanAsked() {
    String text = MessageText.format(-9_000_000_000_000_000_000L, Integer.MAX_VALUE, Long.MAX_VALUE, 10);

    assertThat(text).hasSizeLessThanOrEqualTo(MessageText.MAX_HEADER_LENGTH);
    assertThat(MessageText.parse(text))
        .isEqualTo(new MessageText.Stamp(-9_000_000_000_000_000_000L, Integer.MAX_VALUE, Long.MAX_VALUE));
  }

  @Test
  void otherTextsAreNotTheDriversOwn() {
    assertThat(MessageText.parse("hi all")).isNull();
    assertThat(MessageText.parse("")).isNull();
    assertThat(MessageText.parse("12 3")).isNull();
    assertThat(MessageText.parse("12 3 4")).isNull();
    assertThat(MessageText.parse("12 -3 4 x")).isNull();
    assertThat(MessageText.parse("12  3 4 x")).isNull();
    assertThat(MessageText.parse("99999999999999999999 3 4 x")).isNull();
    assertThat(MessageText.parse("12 3000000000 4 x")).isNull();
  }
}
