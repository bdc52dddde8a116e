#include "fri/fri_schedule.h"

#include <doctest/doctest.h>

#include <optional>
#include <vector>

#include "circle/coset.h"
#include "circle/line.h"

namespace tensorstark::fri {

TEST_CASE("Schedule: fold steps stop at each joining column and at the last layer") {
  const FriConfig config{.log_blowup_factor = 1, .log_last_layer_degree_bound = 0, .fold_step = 3};
  const std::vector<uint32_t> log_sizes = {10, 6, 5};
  REQUIRE(FriInputsFit(config, log_sizes));
  const FriSchedule schedule = MakeFriSchedule(config, log_sizes);
  CHECK(schedule.max_log_size() == 10);
  CHECK(schedule.last_layer_log_size == 1);
  // Line sizes 9 → 6 → 5 (column 1 joins) → 4 (column 2 joins) → 1.
  const std::vector<FriInnerLayer> expected = {
      {9, 3, std::nullopt}, {6, 1, 1}, {5, 1, 2}, {4, 3, std::nullopt}};
  CHECK(schedule.inner_layers == expected);
}

TEST_CASE("Schedule: fold step 1 is Stwo's, one layer per line size") {
  const FriConfig config{.log_blowup_factor = 2, .log_last_layer_degree_bound = 1, .fold_step = 1};
  const FriSchedule schedule = MakeFriSchedule(config, std::vector<uint32_t>{8, 5});
  REQUIRE(schedule.inner_layers.size() == 4);  // (8 - 1) - (1 + 2)
  for (size_t k = 0; k < 4; ++k) {
    CHECK(schedule.inner_layers[k].log_size == 7 - k);
    CHECK(schedule.inner_layers[k].fold_step == 1);
    CHECK(schedule.inner_layers[k].injected_column ==
          (k == 2 ? std::optional<size_t>(1) : std::nullopt));
  }
}

TEST_CASE("Schedule: a column of the smallest size makes no inner layer") {
  const FriConfig config{.log_blowup_factor = 1, .log_last_layer_degree_bound = 2, .fold_step = 2};
  const FriSchedule schedule = MakeFriSchedule(config, std::vector<uint32_t>{4});
  CHECK(schedule.inner_layers.empty());
  CHECK(schedule.last_layer_log_size == 3);
  // A column joining at the last layer's size.
  const FriSchedule joined = MakeFriSchedule(config, std::vector<uint32_t>{9, 4});
  const std::vector<FriInnerLayer> expected = {
      {8, 2, std::nullopt}, {6, 2, std::nullopt}, {4, 1, 1}};
  CHECK(joined.inner_layers == expected);
}

TEST_CASE("FriInputsFit rejects what has no schedule") {
  const FriConfig config{.log_blowup_factor = 2, .log_last_layer_degree_bound = 1, .fold_step = 2};
  CHECK(FriInputsFit(config, std::vector<uint32_t>{4}));
  CHECK(FriInputsFit(config, std::vector<uint32_t>{30, 12, 4}));
  CHECK_FALSE(FriInputsFit(config, std::vector<uint32_t>{}));
  CHECK_FALSE(FriInputsFit(config, std::vector<uint32_t>{3}));
  CHECK_FALSE(FriInputsFit(config, std::vector<uint32_t>{31}));
  CHECK_FALSE(FriInputsFit(config, std::vector<uint32_t>{8, 8}));
  CHECK_FALSE(FriInputsFit(config, std::vector<uint32_t>{6, 8}));
  CHECK_FALSE(FriInputsFit(config, std::vector<uint32_t>{8, 3}));
  FriConfig no_fold = config;
  no_fold.fold_step = 0;
  CHECK_FALSE(FriInputsFit(no_fold, std::vector<uint32_t>{8}));
  FriConfig huge = config;
  huge.log_blowup_factor = 0xffffffff;
  CHECK_FALSE(FriInputsFit(huge, std::vector<uint32_t>{8}));
}

TEST_CASE("Line domains: a column's circle fold lands where the larger layers' folds do") {
  for (uint32_t m = 1; m < 12; ++m) {
    CAPTURE(m);
    CHECK(FriLineDomain(m) == circle::LineDomain(circle::CanonicCoset(m + 1).circle_domain()));
    CHECK(FriLineDomain(m + 1).Double() == FriLineDomain(m));
    CHECK(FriLineDomain(m).log_size() == m);
  }
}

TEST_CASE("FoldPositions shifts and deduplicates") {
  const std::vector<size_t> positions = {0, 1, 5, 6, 7, 12};
  CHECK(FoldPositions(positions, 0) == positions);
  CHECK(FoldPositions(positions, 1) == std::vector<size_t>{0, 2, 3, 6});
  CHECK(FoldPositions(positions, 3) == std::vector<size_t>{0, 1});
  CHECK(FoldPositions(std::vector<size_t>{}, 2).empty());
}

}  // namespace tensorstark::fri
