#pragma once
#include <stdexcept>
#include <string>

namespace longrl::train {

// Slurm's compressed host lists, as in SLURM_STEP_NODELIST: comma-separated entries, each a name
// with bracketed numeric ranges ("gpu[01-04,07],login3", "rack[1-2]-n[5-6]"). Only the first host
// is needed here (rank 0's, under srun's default block and cyclic distributions).
class SlurmHostlist {
 public:
  // What is wrong with a list (std::invalid_argument's message says where).
  class Error : public std::invalid_argument {
   public:
    using std::invalid_argument::invalid_argument;
  };

  // The first host of `list`, zero padding kept ("node[007-010]" -> "node007"). The whole list is
  // checked: unbalanced or nested brackets, a bracket that is not ranges of digits, a range that
  // runs backwards, an empty entry or whitespace throw Error.
  static std::string firstHost(const std::string& list);
};

}  // namespace longrl::train
