#include "engine/model/state.hpp"

namespace parley {

State State::zeros(int actors, int issues, int moves) {
  State s;
  s.status_quo = Eigen::VectorXd::Zero(issues);
  s.position = Eigen::MatrixXd::Zero(actors, issues);
  s.salience = Eigen::MatrixXd::Zero(actors, issues);
  s.power = Eigen::MatrixXd::Ones(actors, issues);
  s.capability = Eigen::VectorXd::Zero(actors);
  s.risk = Eigen::VectorXd::Zero(actors);
  s.affinity = Eigen::MatrixXd::Identity(actors, actors);
  s.recognition = Eigen::MatrixXd::Identity(actors, actors);
  s.drift = Eigen::VectorXd::Zero(issues);
  s.noise = Eigen::VectorXd::Zero(issues);
  s.cost = Eigen::VectorXd::Zero(moves);
  s.last_turn = VectorXi32::Constant(moves, kNever);
  s.count = VectorXi32::Zero(moves);
  s.made.reserve(static_cast<size_t>(actors) + 8);
  return s;
}

}  // namespace parley
