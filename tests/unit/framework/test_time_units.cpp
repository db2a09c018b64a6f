#include "spindle/time.hpp"
#include "spindle/units.hpp"
#include "support/catch.hpp"

using namespace spindle;
using namespace spindle::literals;

TEST_CASE("Time: ms converts to the nearest tick and back exactly", "[time][unit]") {
  CHECK(Time::from_ms(1.5).ticks() == 1'500'000);
  CHECK(Time::from_ms(0.1).ticks() == 100'000);
  CHECK(Time::from_ms(1e-6).ticks() == 1);
  CHECK(Time::from_ms(0.4e-6).ticks() == 0);
  CHECK(Time::from_ticks(123'456'789).to_ms() == 123.456789);
}

TEST_CASE("Time: a crossing lands on the first tick at or after it", "[time][unit]") {
  CHECK(Time::ceil_ms(1.0000001).ticks() == 1'000'001);
  CHECK(Time::ceil_ms(1.0).ticks() == 1'000'000);
  CHECK(Time::ceil_ms(2.0000000001).ticks() == 2'000'001);
}

TEST_CASE("Time: ordering and arithmetic are exact", "[time][unit]") {
  const Time a = Time::from_ms(0.1), b = Time::from_ms(0.2);
  CHECK(a + a == b);  // 0.1 + 0.1 == 0.2 holds for ticks, unlike doubles in general
  CHECK(b - a == a);
  CHECK(a < b);
  CHECK(Time::never() > Time::max_run());
  CHECK(Time::never().is_never());
}

TEST_CASE("Units: literals hold values in the canonical unit", "[units][unit]") {
  CHECK((2.0_s).value() == 2000.0);
  CHECK((250.0_us).value() == 0.25);
  CHECK((1.5_nA).value() == 1500.0);
  CHECK((10.0_nS * 2.0_mV).value() == 20.0);
  CHECK(unit_symbol(Unit::um) == "um");
}
